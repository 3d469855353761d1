package dev.jamespipeline.core.search;

class InMemoryIndexBacklogTest extends IndexBacklogContract {
    private final InMemoryIndexBacklog backlog = new InMemoryIndexBacklog();

    @Override
    protected IndexBacklog backlog() {
        return backlog;
    }
}
