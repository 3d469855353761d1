package dev.jamespipeline.security.spam;

import java.util.List;
import java.util.Set;

/**
 * Rspamd's answer about one message.
 *
 * @param score         the message's score
 * @param requiredScore the score of Rspamd's reject action
 * @param action        the action Rspamd chose ("no action", "greylist", "add header", "rewrite subject",
 *                      "soft reject", "reject", ...)
 * @param symbols       the names of the rules that matched, highest score first
 */
public record SpamCheck(double score, double requiredScore, String action, List<String> symbols) {
    /**
     * The actions that mean spam. Rspamd's action, not a score comparison, decides: it already applies its
     * thresholds (add header at 6, reject at 15 by default) and the rules that force an action whatever the
     * score (GTUBE, settings, multimap). "greylist" and "soft reject" ask for a later retry of an SMTP
     * transaction we have already accepted: not spam.
     */
    private static final Set<String> SPAM_ACTIONS = Set.of("add header", "rewrite subject", "reject", "discard", "quarantine");

    public SpamCheck {
        symbols = List.copyOf(symbols);
    }

    public boolean isSpam() {
        return SPAM_ACTIONS.contains(action);
    }
}
