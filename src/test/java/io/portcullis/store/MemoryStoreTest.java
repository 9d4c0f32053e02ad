package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MemoryStoreTest extends StoreContractTest {

    @Override
    Store newStore(FakeClock clock, int historyLimit) {
        return new MemoryStore(clock, historyLimit);
    }

    @Override
    void sweep(Store store) {
        ((MemoryStore) store).sweepExpired();
    }

    @Test
    void refusesBackupForItKeepsNothingOnDisk() {
        assertThatThrownBy(() -> store.backup(Path.of("/tmp/never")))
                .isInstanceOf(Store.StoreException.class).hasMessageContaining("nothing to back up");
    }
}
