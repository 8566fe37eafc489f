package dev.switchboard.core;

/** What the downstream system answered to a successful attempt, when it answers anything. */
public record Delivery(Integer status, String response) {

    public static final Delivery DONE = new Delivery(null, null);
}
