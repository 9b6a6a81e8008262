package dev.zkinfer.web.teavm;

import org.teavm.extension.spi.substitution.SimpleSubstitutionPolicy;
import org.teavm.extension.spi.substitution.SubstitutionSink;

/**
 * What TeaVM compiles in place of the verifier classes it cannot translate (found through
 * META-INF/services when TeaVM runs; the JVM never loads it): only
 * {@code dev.zkinfer.field.UnsignedMultiply}, whose JVM versions call intrinsics that TeaVM
 * lacks, becomes {@link TUnsignedMultiply}. The JDK's {@code java.security.MessageDigest}, also
 * missing from TeaVM's class library, is supplied the way TeaVM supplies the JDK:
 * {@code org.teavm.classlib.java.security.TMessageDigest}.
 */
public final class VerifierSubstitutions extends SimpleSubstitutionPolicy {
    @Override
    public void contribute(SubstitutionSink sink) {
        sink.selectClasses(named("dev.zkinfer.field.UnsignedMultiply"))
                .replacePackage("dev.zkinfer.field", "dev.zkinfer.web.teavm")
                .simpleNamePrefix("T")
                .dontFallbackWhenNoSubstitution();
    }
}
