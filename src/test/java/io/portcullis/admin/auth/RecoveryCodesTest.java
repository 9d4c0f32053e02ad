package io.portcullis.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RecoveryCodesTest {

    @Test
    void generatesTenDistinctCodesOfThreeGroupsFromAnUnambiguousAlphabet() {
        List<String> codes = RecoveryCodes.generate();
        assertThat(codes).hasSize(10).doesNotHaveDuplicates();
        assertThat(codes).allSatisfy(code -> assertThat(code)
                .matches("[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}")
                .doesNotContain("i", "l", "o", "u"));
    }

    @Test
    void carriesAtLeastSixtyBitsPerCode() {
        // 32 symbols (5 bits each), 12 symbols per code.
        String code = RecoveryCodes.generate().get(0).replace("-", "");
        assertThat(code.length() * 5).isGreaterThanOrEqualTo(60);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.addAll(RecoveryCodes.generate());
        }
        assertThat(many).doesNotHaveDuplicates();
        // All 32 symbols turn up across a thousand codes.
        assertThat(String.join("", many).replace("-", "").chars().distinct().count()).isEqualTo(32);
    }

    @Test
    void hashIsSha256OfTheNormalisedCode() {
        assertThat(RecoveryCodes.hash("k7f3-9qpx-2mzd")).isEqualTo(Secrets.sha256Hex("k7f39qpx2mzd")).hasSize(64);
        assertThat(RecoveryCodes.hash(" K7F3 9QPX 2MZD ")).isEqualTo(RecoveryCodes.hash("k7f3-9qpx-2mzd"));
        assertThat(RecoveryCodes.hash("abo1-1111-1111")).isEqualTo(RecoveryCodes.hash("ab0l-i111-1111"));
    }

    @Test
    void matchFindsTheIndexOfTheHashTyped() {
        List<String> codes = RecoveryCodes.generate();
        List<String> hashes = codes.stream().map(RecoveryCodes::hash).toList();
        for (int i = 0; i < codes.size(); i++) {
            assertThat(RecoveryCodes.match(hashes, codes.get(i).toUpperCase())).isEqualTo(OptionalInt.of(i));
            assertThat(RecoveryCodes.match(hashes, codes.get(i).replace("-", " "))).isEqualTo(OptionalInt.of(i));
        }
    }

    @Test
    void matchRefusesUnknownCodesAndUsedOnes() {
        List<String> codes = RecoveryCodes.generate();
        List<String> hashes = new ArrayList<>(codes.stream().map(RecoveryCodes::hash).toList());
        assertThat(RecoveryCodes.match(hashes, "zzzz-zzzz-zzzz")).isEmpty();
        assertThat(RecoveryCodes.match(hashes, "")).isEmpty();
        assertThat(RecoveryCodes.match(hashes, null)).isEmpty();
        assertThat(RecoveryCodes.match(List.of(), codes.get(0))).isEmpty();
        // The caller removes a used hash; the same code then matches nothing.
        int used = RecoveryCodes.match(hashes, codes.get(3)).getAsInt();
        hashes.remove(used);
        assertThat(RecoveryCodes.match(hashes, codes.get(3))).isEmpty();
    }
}
