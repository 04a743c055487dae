package dev.peersync.node.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code LOG_LEVEL} and {@code LOG_FORMAT} once the settings are known (logback.xml already read the
 * environment for the first lines): the root level, and for JSON Logback's own {@link JsonEncoder} on the console
 * appender, one object per line with the timestamp, level, thread, logger, formatted message and any exception.
 */
public final class LogSetup {
    static final String APPENDER = "CONSOLE";

    private LogSetup() {
    }

    public static void apply(NodeConfig.Logging logging) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend (an embedding application's): its own configuration rules
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(logging.level(), Level.INFO));
        if (logging.json() && root.getAppender(APPENDER) instanceof OutputStreamAppender<ILoggingEvent> console
                && !(console.getEncoder() instanceof JsonEncoder)) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            // The message as written ("formattedMessage"), not its pattern and arguments apart; no per-line context.
            encoder.setWithFormattedMessage(true);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithContext(false);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.start();
            console.stop();
            console.setEncoder(encoder);
            console.start();
        }
    }
}
