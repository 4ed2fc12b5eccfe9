package io.s3jars.nodeagent;

import java.util.logging.Handler;
import java.util.logging.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * The agent's log: one line per event on standard output, in the webhook's format. Quarkus, which
 * configures the webhook's log, is not started in the agent, and the log manager alone has no
 * handler, so without this the agent would log nothing. The fabric8 client speaks at WARN only:
 * its INFO lines (watch reconnects) would outnumber the agent's own.
 */
final class AgentLogging {

    private AgentLogging() {
    }

    static void configure() {
        LogContext context = LogContext.getLogContext();
        var root = context.getLogger("");
        root.setHandlers(new Handler[] {new ConsoleHandler(ConsoleHandler.Target.SYSTEM_OUT,
                new PatternFormatter("%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c] (%t) %s%n"))});
        root.setLevel(Level.INFO);
        context.getLogger("io.fabric8").setLevel(Level.WARNING);
    }
}
