package dev.switchboard.core;

/**
 * A check of what settings say rather than of their names: values are judged wherever they come
 * from (the environment and -D too), and at every reload as at the start.
 */
public abstract class ValueCheck implements ConfigCheck {

    @Override
    public final boolean judgesNames() {
        return false;
    }

    @Override
    public final boolean atReload() {
        return true;
    }
}
