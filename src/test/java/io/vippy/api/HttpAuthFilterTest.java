package io.vippy.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HttpAuthFilterTest {

    @Test
    void onlyGrpcShapedPathsWithGrpcContentTypeSkipTheHttpCheck() {
        assertTrue(HttpAuthFilter.isGrpcCall("/vippy.v1.LoadBalancerService/ListLoadBalancers", "application/grpc"));
        assertTrue(HttpAuthFilter.isGrpcCall("/grpc.health.v1.Health/Check", "application/grpc+proto"));
        assertFalse(HttpAuthFilter.isGrpcCall("/loadbalancers", "application/grpc"));
        assertFalse(HttpAuthFilter.isGrpcCall("/loadbalancer/x/backend", "application/grpc"));
        assertFalse(HttpAuthFilter.isGrpcCall("/vippy.v1.LoadBalancerService/ListLoadBalancers", "application/json"));
        assertFalse(HttpAuthFilter.isGrpcCall("/vippy.v1.LoadBalancerService/ListLoadBalancers", null));
    }
}
