package io.vippy.api.rest;

import io.vippy.core.model.ValidationException;

/** The request body exceeds the limit (HTTP 413). */
final class BodyTooLargeException extends ValidationException {
    BodyTooLargeException(String message) {
        super(message);
    }
}
