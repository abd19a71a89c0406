package io.vippy.address.metal.fake;

/** An error answer of the fake: status and the message that goes into {@code {"errors": [..]}}. */
final class FakeMetalError extends RuntimeException {
    final int status;

    FakeMetalError(int status, String message) {
        super(message);
        this.status = status;
    }
}
