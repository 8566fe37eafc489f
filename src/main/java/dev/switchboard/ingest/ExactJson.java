package dev.switchboard.ingest;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/**
 * How a sender's JSON is read, a webhook's or a queue message's: numbers as written, not as
 * doubles. As doubles, 1e400 and 1e401 were both "Infinity" (one delivery id: the second was
 * answered a duplicate of the first, and dropped), and 9007199254740993.0 was stored as ...992.
 */
final class ExactJson {

    /**
     * The longest number, written out in full, that is kept: Jackson's own limit for a number's
     * text, which the stream's reader of the stored envelope applies. PostgreSQL's jsonb writes
     * every number out in full, so 1e131071 (8 bytes sent) would come back as 131,072 digits.
     */
    static final int MAX_NUMBER_LENGTH = 1000;

    /**
     * The deepest nesting of arrays and objects taken. Jackson reads and writes at most 1,000
     * levels, and the hub wraps a sender's JSON a few levels deeper (the envelope's {@code data},
     * the API's view of the event): a body 1,000 deep was read, then could not be written, a 500
     * and an ERROR line for every such request. No sender's event nests anywhere near this.
     */
    static final int MAX_DEPTH = 500;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build();

    private ExactJson() {
    }

    /** Reads with {@code json}'s settings, at most {@link #MAX_DEPTH} deep; parsers come from it too ({@code createParser}). */
    static ObjectReader reader(ObjectMapper json) {
        return json.copyWith(FACTORY).reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /** The first number of {@code json} longer than {@link #MAX_NUMBER_LENGTH} written out in full, if any. */
    static String tooLongNumber(JsonNode json) {
        Deque<JsonNode> left = new ArrayDeque<>();
        left.push(json);
        while (!left.isEmpty()) {
            JsonNode node = left.pop();
            if (node.isContainerNode()) {
                node.forEach(left::push);
            } else if (node.isBigDecimal() && writtenLength(node.decimalValue()) > MAX_NUMBER_LENGTH) {
                return node.decimalValue().toString();
            }
        }
        return null;
    }

    /** The length of {@code number} written out in full ({@link BigDecimal#toPlainString()}), without writing it. */
    static long writtenLength(BigDecimal number) {
        long scale = number.scale();
        long integerDigits = Math.max(number.precision() - scale, 1);
        return integerDigits + (scale > 0 ? scale + 1 : 0) + (number.signum() < 0 ? 1 : 0);
    }
}
