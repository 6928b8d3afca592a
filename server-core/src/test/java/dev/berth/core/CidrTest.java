package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void blocksContainTheirAddressesAndNoOthers() throws Exception {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertTrue(ten.contains(InetAddress.getByName("10.200.1.1")));
        assertFalse(ten.contains(InetAddress.getByName("11.0.0.1")));
        assertTrue(Cidr.parse("::1/128").contains(InetAddress.getByName("::1")));
        assertFalse(Cidr.parse("::1/128").contains(InetAddress.getByName("127.0.0.1")));
        assertTrue(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("::ffff:127.0.0.1")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("192.0.2.1")));
    }

    @Test
    void badBlocksAreRefusedWithTheirText() {
        assertEquals("'10.0.0.0/33' has a prefix length outside 0..32",
                assertThrows(BerthException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertEquals("'example.com' is not an address block (expected e.g. 10.0.0.0/8 or ::1/128)",
                assertThrows(BerthException.class, () -> Cidr.parse("example.com")).getMessage());
    }
}
