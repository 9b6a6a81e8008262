package org.teavm.classlib.java.security;

import java.security.GeneralSecurityException;

/** {@code java.security.DigestException} for TeaVM, whose class library has none (see {@link TMessageDigest}). */
public class TDigestException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public TDigestException(String message) {
        super(message);
    }
}
