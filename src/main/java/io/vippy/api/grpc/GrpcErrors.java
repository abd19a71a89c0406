package io.vippy.api.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vippy.core.StoreFullException;
import io.vippy.core.StoreUnavailableException;
import io.vippy.core.model.ConflictException;
import io.vippy.core.model.NotFoundException;
import io.vippy.core.model.UnprocessableException;
import io.vippy.core.model.ValidationException;
import org.jboss.logging.Logger;

/** Maps the core's exceptions to gRPC status codes, with the same sentences the REST API gives. */
final class GrpcErrors {
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    static Throwable toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException) {
            return failure;
        }
        Status status;
        if (failure instanceof ValidationException || failure instanceof UnprocessableException) {
            status = Status.INVALID_ARGUMENT;
        } else if (failure instanceof NotFoundException) {
            status = Status.NOT_FOUND;
        } else if (failure instanceof ConflictException) {
            status = Status.ALREADY_EXISTS;
        } else if (failure instanceof StoreFullException) {
            return Status.RESOURCE_EXHAUSTED.withDescription("the change was not acknowledged: " + failure.getMessage()
                    + "; changes are taken again once space is freed there").asRuntimeException();
        } else if (failure instanceof StoreUnavailableException) {
            return Status.UNAVAILABLE.withDescription("the change was not acknowledged: " + failure.getMessage())
                    .asRuntimeException();
        } else {
            LOG.error("gRPC call failed unexpectedly", failure);
            status = Status.UNAVAILABLE;
        }
        return status.withDescription(failure.getMessage()).asRuntimeException();
    }
}
