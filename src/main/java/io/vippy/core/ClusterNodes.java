package io.vippy.core;

import java.util.List;

/** The nodes of this Vippy cluster as registered (a single node: itself), for {@code GET /cluster/nodes}. */
public interface ClusterNodes {

    List<NodeStatus> nodes();

    /**
     * Drains the named node (its routes tagged graceful shutdown, then withdrawn; its kernel keeps serving) or puts it
     * back. Throws {@link io.vippy.core.model.NotFoundException} for a name no live node has.
     */
    void setDrained(String name, boolean drained);
}
