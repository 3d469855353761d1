package dev.jamespipeline.core;

/** Message headers the pipeline writes. */
public final class PipelineHeaders {
    /**
     * Set on the copy delivered into a local mailbox, replacing any header of that name the sender
     * wrote, so the mailbox listener can tell which pipeline message a new mailbox entry came from.
     */
    public static final String PIPELINE_ID = "X-James-Pipeline-Id";

    private PipelineHeaders() {
    }
}
