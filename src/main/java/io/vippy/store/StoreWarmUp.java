package io.vippy.store;

import io.vippy.core.WarmUp;
import io.vippy.core.model.LoadBalancer;
import jakarta.enterprise.context.ApplicationScoped;

/** The first write's document made, and read back as the change stream reads it: no call to the store. */
@ApplicationScoped
class StoreWarmUp implements WarmUp {
    private final LoadBalancerDocument documents;

    StoreWarmUp(LoadBalancerDocument documents) {
        this.documents = documents;
    }

    @Override
    public void warmUp() {
        LoadBalancer sample = WarmUp.SAMPLE;
        LoadBalancer read = documents.decode(sample.uuid().toString(), documents.encode(sample));
        if (!read.equals(sample.durableState())) {
            throw new IllegalStateException("the warm-up's sample does not read back as written: " + read);
        }
    }
}
