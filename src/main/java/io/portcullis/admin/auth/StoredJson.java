package io.portcullis.admin.auth;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.portcullis.store.Store;
import java.io.IOException;
import java.time.Instant;

/**
 * The JSON form of everything this package keeps in the {@link Store}. Jackson's JavaTimeModule is not on
 * the class path, so instants are written here as ISO-8601 strings ({@code 2026-11-23T15:00:00Z}); unknown
 * fields are ignored so that a newer gateway's records still read.
 */
final class StoredJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("instants")
                    .addSerializer(Instant.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers)
                                throws IOException {
                            gen.writeString(value.toString());
                        }
                    })
                    .addDeserializer(Instant.class, new JsonDeserializer<>() {
                        @Override
                        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                            return Instant.parse(p.getValueAsString());
                        }
                    }))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StoredJson() {}

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static <T> T read(Store.Entry entry, Class<T> type) {
        try {
            return MAPPER.readValue(entry.value(), type);
        } catch (IOException e) {
            // The message names the key, never the value: values may hold hashes and TOTP secrets.
            throw new Store.StoreException("stored " + type.getSimpleName() + " at " + entry.key()
                    + " is not readable", e);
        }
    }
}
