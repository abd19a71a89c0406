package io.vippy.core;

import java.util.List;

/** The nodes of this Vippy cluster as registered (a single node: itself), for {@code GET /cluster/nodes}. */
public interface ClusterNodes {

    List<NodeStatus> nodes();
}
