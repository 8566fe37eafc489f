package dev.switchboard.core;

/** What is wrong with a setting of the operator's file, and the setting it is about, so its line can be found. */
public record SettingProblem(String setting, String message) {

    @Override
    public String toString() {
        return message;
    }
}
