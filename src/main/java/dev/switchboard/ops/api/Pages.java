package dev.switchboard.ops.api;

/** The API's lists come in pages: {@code page} counts from 0, {@code size} is at most {@link #MAX_SIZE}. */
final class Pages {

    static final int MAX_SIZE = 500;

    private Pages() {
    }

    /** Refuses a page that does not exist by its numbers, including one past what an offset can count. */
    static void check(int page, int size) {
        if (page < 0 || size < 1 || size > MAX_SIZE || (long) page * size > Integer.MAX_VALUE) {
            throw ProblemMapper.badRequest("page must be >= 0, size between 1 and " + MAX_SIZE
                    + ", and page × size at most " + Integer.MAX_VALUE);
        }
    }
}
