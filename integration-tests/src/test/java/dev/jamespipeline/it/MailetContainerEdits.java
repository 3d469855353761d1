package dev.jamespipeline.it;

import java.util.function.UnaryOperator;

/** Test-only changes to the shipped mailetcontainer.xml. */
final class MailetContainerEdits {
    private static final String LOCAL_DELIVERY_END =
        "<mailet match=\"All\" class=\"dev.jamespipeline.mailets.DeliverAsReceived\">\n                <onMailetException>propagate</onMailetException>\n            </mailet>";

    private static final String LOCAL_DELIVERY_START = "<mailet match=\"All\" class=\"dev.jamespipeline.mailets.DeliverAsReceived\">";

    private MailetContainerEdits() {
    }

    /**
     * Before local delivery (after the ledger check), {@code PauseOnce} holds the stage consumer of the
     * first message whose subject contains {@code subject}.
     */
    static UnaryOperator<String> pauseBeforeLocalDelivery(String subject) {
        return beforeLocalDelivery("<mailet match=\"All\" class=\"dev.jamespipeline.it.mailets.PauseOnce\"><subject>" + subject
            + "</subject></mailet>");
    }

    /**
     * After local delivery (which then keeps the mail going), {@code PauseOnce} holds the stage
     * consumer of the first message whose subject contains {@code subject}, before the stage acks.
     */
    static UnaryOperator<String> pauseAfterLocalDelivery(String subject) {
        return conf -> {
            if (!conf.contains(LOCAL_DELIVERY_END)) {
                throw new IllegalStateException("mailetcontainer.xml changed: local delivery block not found");
            }
            return conf.replace(LOCAL_DELIVERY_END,
                LOCAL_DELIVERY_START + "\n                <consume>false</consume>\n"
                    + "                <onMailetException>propagate</onMailetException>\n            </mailet>\n"
                    + "            <mailet match=\"All\" class=\"dev.jamespipeline.it.mailets.PauseOnce\"><subject>" + subject
                    + "</subject></mailet>\n"
                    + "            <mailet match=\"All\" class=\"Null\"/>");
        };
    }

    /** Before local delivery, {@code FailOnSubject} throws for every message whose subject contains {@code subject}. */
    static UnaryOperator<String> failBeforeLocalDelivery(String subject) {
        return beforeLocalDelivery("<mailet match=\"All\" class=\"dev.jamespipeline.it.mailets.FailOnSubject\"><subject>" + subject
            + "</subject><onMailetException>propagate</onMailetException></mailet>");
    }

    private static UnaryOperator<String> beforeLocalDelivery(String mailet) {
        return conf -> {
            if (!conf.contains(LOCAL_DELIVERY_START)) {
                throw new IllegalStateException("mailetcontainer.xml changed: local delivery not found");
            }
            return conf.replace(LOCAL_DELIVERY_START, mailet + "\n            " + LOCAL_DELIVERY_START);
        };
    }
}
