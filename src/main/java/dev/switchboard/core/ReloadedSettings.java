package dev.switchboard.core;

import java.util.List;

/**
 * A part of the operator's file that takes effect on reload, together with the rules and the port
 * bindings: a reload reads every part and puts all of them in force or none (see
 * {@code rules.RulesInForce}). Implemented where the settings are used, and found through CDI.
 */
public interface ReloadedSettings {

    /**
     * Whether a change of this key of the operator's file takes effect at reload. A changed key that
     * no part takes needs a restart, and the reload says so.
     */
    boolean reloads(String key);

    /** Reads the settings as they are on disk now; nothing takes effect until {@link Reading#install()}. */
    Reading read();

    /** What a part read: its problems (a reload with any is rejected), and how to put it in force. */
    record Reading(List<SettingProblem> problems, Runnable install) {

        public static Reading rejected(List<SettingProblem> problems) {
            return new Reading(problems, () -> {
                throw new IllegalStateException("a reading with problems is never installed");
            });
        }
    }
}
