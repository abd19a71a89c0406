package io.vippy.core;

import io.vippy.core.model.Scheduler;
import java.util.List;

/** The desired kernel state of one load balancer: its service and the real servers behind it. */
public record VirtualService(ServiceKey key, Scheduler scheduler, List<RealServer> reals) {

    public VirtualService {
        reals = List.copyOf(reals);
    }
}
