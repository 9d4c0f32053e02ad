package io.portcullis.admin.auth;

import static java.util.Objects.requireNonNull;

/** The password work that {@link Accounts} does, a seam so tests can count which calls a login makes. */
interface PasswordWork {
    String hash(String password);

    boolean verify(String password, String encoded);

    boolean needsRehash(String encoded);

    void verifyDummy(String password);

    static PasswordWork of(PasswordHasher hasher) {
        requireNonNull(hasher, "hasher");
        return new PasswordWork() {
            @Override
            public String hash(String password) {
                return hasher.hash(password);
            }

            @Override
            public boolean verify(String password, String encoded) {
                return hasher.verify(password, encoded);
            }

            @Override
            public boolean needsRehash(String encoded) {
                return hasher.needsRehash(encoded);
            }

            @Override
            public void verifyDummy(String password) {
                hasher.verifyDummy(password);
            }
        };
    }
}
