package io.vippy.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void parsesLiteralsOnly() throws Exception {
        assertEquals(InetAddress.getByName("10.80.96.25"), Addresses.parseLiteral("10.80.96.25", "ip"));
        assertEquals(InetAddress.getByName("2001:db8::1"), Addresses.parseLiteral("2001:DB8::1", "ip"));
        for (String bad : new String[] {"localhost", "example.com", "1.2.3", "256.1.1.1", "1.2.3.4.5", "", " ", "::g"}) {
            assertThrows(ValidationException.class, () -> Addresses.parseLiteral(bad, "ip"), bad);
        }
    }

    @Test
    void formatsIpv6AsRfc5952() throws Exception {
        assertEquals("2001:db8::1", Addresses.format(InetAddress.getByName("2001:0db8:0:0:0:0:0:1")));
        assertEquals("2001:db8:0:1::1", Addresses.format(InetAddress.getByName("2001:db8:0:1:0:0:0:1")));
        assertEquals("::", Addresses.format(InetAddress.getByName("::")));
        assertEquals("1::", Addresses.format(InetAddress.getByName("1::")));
        assertEquals("2001:db8::1:0:0:1", Addresses.format(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("[2001:db8::1]:443", Addresses.endpoint(InetAddress.getByName("2001:db8::1"), 443));
        assertEquals("10.0.0.1:80", Addresses.endpoint(InetAddress.getByName("10.0.0.1"), 80));
    }
}
