package dev.jamespipeline.it;

import java.util.List;
import java.util.function.UnaryOperator;

/** Test-only changes to the shipped mailetcontainer.xml. */
final class MailetContainerEdits {
    private static final String LOCAL_DELIVERY_END =
        "<mailet match=\"All\" class=\"dev.jamespipeline.mailets.DeliverAsReceived\">\n                <onMatchException>propagate</onMatchException>\n"
            + "                <onMailetException>propagate</onMailetException>\n            </mailet>";

    private static final String LOCAL_DELIVERY_START = "<mailet match=\"All\" class=\"dev.jamespipeline.mailets.DeliverAsReceived\">";

    private static final String ANNOUNCE_START = "<mailet match=\"All\" class=\"dev.jamespipeline.mailets.AnnounceToPipeline\">";

    private MailetContainerEdits() {
    }

    /**
     * Before local delivery (after the ledger check), {@code PauseOnce} holds the stage consumer of the
     * first message whose subject contains {@code subject}, once for each of the given subjects.
     */
    static UnaryOperator<String> pauseBeforeLocalDelivery(String... subjects) {
        return beforeLocalDelivery(pauses(subjects));
    }

    /**
     * After local delivery (which then keeps the mail going), {@code PauseOnce} holds the stage
     * consumer of the first message whose subject contains {@code subject} (once for each of the given
     * subjects), before the stage acks.
     */
    static UnaryOperator<String> pauseAfterLocalDelivery(String... subjects) {
        return conf -> {
            if (!conf.contains(LOCAL_DELIVERY_END)) {
                throw new IllegalStateException("mailetcontainer.xml changed: local delivery block not found");
            }
            return conf.replace(LOCAL_DELIVERY_END,
                LOCAL_DELIVERY_START + "\n                <consume>false</consume>\n"
                    + "                <onMatchException>propagate</onMatchException>\n"
                    + "                <onMailetException>propagate</onMailetException>\n            </mailet>\n"
                    + "            " + pauses(subjects) + "\n"
                    + "            <mailet match=\"All\" class=\"Null\"/>");
        };
    }

    /** Both edits, for a test that holds a stage before and after local delivery. */
    static UnaryOperator<String> pauseAroundLocalDelivery(List<String> before, List<String> after) {
        UnaryOperator<String> pausesBefore = pauseBeforeLocalDelivery(before.toArray(String[]::new));
        UnaryOperator<String> pausesAfter = pauseAfterLocalDelivery(after.toArray(String[]::new));
        return conf -> pausesAfter.apply(pausesBefore.apply(conf));
    }

    /** Before local delivery, {@code FailOnSubject} throws for every message whose subject contains {@code subject}. */
    static UnaryOperator<String> failBeforeLocalDelivery(String subject) {
        return beforeLocalDelivery("<mailet match=\"All\" class=\"dev.jamespipeline.it.mailets.FailOnSubject\"><subject>" + subject
            + "</subject><onMailetException>propagate</onMailetException></mailet>");
    }

    /**
     * In {@code root}, before AnnounceToPipeline: {@code PauseOnce} holds whichever thread processes
     * the first spooled mail (a bounce keeps its original's subject) whose subject contains {@code subject},
     * once for each of the given subjects.
     */
    static UnaryOperator<String> pauseBeforeAnnouncingSpooledMail(String... subjects) {
        return conf -> {
            int root = conf.indexOf("<processor state=\"root\"");
            int announce = conf.indexOf(ANNOUNCE_START, root);
            if (root < 0 || announce < 0) {
                throw new IllegalStateException("mailetcontainer.xml changed: AnnounceToPipeline in root not found");
            }
            return conf.substring(0, announce) + pauses(subjects) + "\n            " + conf.substring(announce);
        };
    }

    /**
     * In stage "route", {@code PauseOnce} holds the stage consumer of the first message whose subject
     * contains {@code subject} just before the mailet that starts with {@code mailetStart}, once for
     * each of the given subjects.
     */
    static UnaryOperator<String> pauseInRouteBefore(String mailetStart, String... subjects) {
        return conf -> {
            int route = conf.indexOf("<processor state=\"route\"");
            int mailet = conf.indexOf(mailetStart, route);
            if (route < 0 || mailet < 0) {
                throw new IllegalStateException("mailetcontainer.xml changed: " + mailetStart + " in route not found");
            }
            return conf.substring(0, mailet) + pauses(subjects) + "\n            " + conf.substring(mailet);
        };
    }

    private static UnaryOperator<String> beforeLocalDelivery(String mailet) {
        return conf -> {
            if (!conf.contains(LOCAL_DELIVERY_START)) {
                throw new IllegalStateException("mailetcontainer.xml changed: local delivery not found");
            }
            return conf.replace(LOCAL_DELIVERY_START, mailet + "\n            " + LOCAL_DELIVERY_START);
        };
    }

    private static String pauses(String... subjects) {
        StringBuilder pauses = new StringBuilder();
        for (String subject : subjects) {
            pauses.append("<mailet match=\"All\" class=\"dev.jamespipeline.it.mailets.PauseOnce\"><subject>").append(subject)
                .append("</subject></mailet>");
        }
        return pauses.toString();
    }
}
