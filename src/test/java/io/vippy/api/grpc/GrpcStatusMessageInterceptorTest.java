package io.vippy.api.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.InternalMetadata;
import io.grpc.InternalStatus;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The gRPC specification's grpc-message encoding, and that grpc-java reads it back unchanged. */
class GrpcStatusMessageInterceptorTest {

    @Test
    void printableAsciiButPercentStaysAsItIs() {
        String sentence = "scheduler must be one of rr, wrr, mh; not \"bad\" (see /docs?x=1&y=2#z) 'a: <b>' ~ @$+*";
        assertEquals(sentence, GrpcStatusMessageInterceptor.percentEncode(sentence));
    }

    @Test
    void percentControlAndNonAsciiBytesAreEncoded() {
        assertEquals("100%25 done", GrpcStatusMessageInterceptor.percentEncode("100% done"));
        assertEquals("line one%0Aline%09two", GrpcStatusMessageInterceptor.percentEncode("line one\nline\ttwo"));
        // 'é' is C3 A9 in UTF-8, '€' is E2 82 AC; DEL (7F) is not visible ASCII.
        assertEquals("caf%C3%A9 %E2%82%AC%7F", GrpcStatusMessageInterceptor.percentEncode("café €\u007f"));
    }

    @Test
    void grpcJavaDecodesWhatIsEncoded() {
        String sentence = "100% of 10.0.0.1:80, café\nnext";
        byte[] wire = GrpcStatusMessageInterceptor.percentEncode(sentence).getBytes(StandardCharsets.US_ASCII);
        Metadata trailers = InternalMetadata.newMetadata("grpc-message".getBytes(StandardCharsets.US_ASCII), wire);
        assertEquals(sentence, trailers.get(InternalStatus.MESSAGE_KEY));
    }
}
