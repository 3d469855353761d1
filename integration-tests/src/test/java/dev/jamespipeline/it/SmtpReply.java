package dev.jamespipeline.it;

/** What the server answered at the end of DATA (or, from {@link SmtpSender#offer} and {@link SmtpSender#envelope}, to MAIL or RCPT). */
record SmtpReply(int code, String text) {
    boolean accepted() {
        return code == 250;
    }

    /** "250 2.6.0 Message received, queued as <id>" → id */
    String pipelineId() {
        int at = text.indexOf("queued as ");
        return at < 0 ? null : text.substring(at + "queued as ".length()).trim();
    }
}
