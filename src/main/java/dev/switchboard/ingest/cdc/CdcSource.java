package dev.switchboard.ingest.cdc;

import java.util.List;

/** One {@code kind=cdc} source, validated: what it captures, where, and how its changes are named. */
public record CdcSource(String name, CapturedDatabase database, List<String> tables, String slot, String publication,
        String pluginName, String snapshotMode, ChangeEventType eventType) {

    /** The Camel master namespace: one leader per source among all replicas. */
    public String namespace() {
        return "cdc-" + name;
    }

    public String routeId() {
        return "cdc-" + name;
    }
}
