package dev.jamespipeline.ops.state;

import java.io.IOException;

/** Measures how much room the message store has left. */
public interface StoreSpace {
    PipelineState.StoreSample measure() throws IOException;
}
