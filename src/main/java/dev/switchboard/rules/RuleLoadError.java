package dev.switchboard.rules;

/** Why a rule or model file was rejected, and where. Line is 1-based; 0 when it concerns the whole file. */
public record RuleLoadError(String file, int line, String reason) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + reason;
    }
}
