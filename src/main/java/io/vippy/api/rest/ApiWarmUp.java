package io.vippy.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.BackendSpec;
import io.vippy.core.LoadBalancerSpec;
import io.vippy.core.WarmUp;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.LoadBalancer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;

/** The first create's and add-backend's bodies read, and their answers written, as JSON: no call to the service. */
@ApplicationScoped
class ApiWarmUp implements WarmUp {
    private final ObjectMapper json;

    ApiWarmUp(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void warmUp() {
        LoadBalancer sample = WarmUp.SAMPLE;
        Backend backend = sample.backends().get(0);
        LoadBalancerSpec create = RestRequests.createLoadBalancer(json, body("{\"name\":\"" + sample.name()
                + "\",\"port\":" + sample.port() + "}"));
        BackendSpec add = RestRequests.addBackend(json, body("{\"ip\":\"" + Addresses.format(backend.ip())
                + "\",\"port\":" + backend.port() + "}"));
        if (create.port() != sample.port() || !add.ip().equals(backend.ip())) {
            throw new IllegalStateException("the warm-up's sample requests read back differently: " + create + ", " + add);
        }
        try {
            json.writeValueAsBytes(LoadBalancerView.of(sample));
            json.writeValueAsBytes(LoadBalancerView.BackendView.of(backend));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the warm-up's sample as JSON", e);
        }
    }

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
