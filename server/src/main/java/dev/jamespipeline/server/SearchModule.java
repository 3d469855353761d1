package dev.jamespipeline.server;

import java.io.FileNotFoundException;
import java.time.Clock;

import javax.inject.Named;
import javax.inject.Singleton;
import javax.sql.DataSource;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.dto.DTOModuleInjections;

import com.google.inject.AbstractModule;
import com.google.inject.Binding;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

import dev.jamespipeline.core.search.InMemoryIndexBacklog;
import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.search.document.AttachmentTextExtractor;
import dev.jamespipeline.search.document.MessageDocumentBuilder;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.index.SearchQueryTranslator;
import dev.jamespipeline.search.indexer.IndexerStartable;
import dev.jamespipeline.search.indexer.SearchConfiguration;
import dev.jamespipeline.search.james.SearchIndexHealthCheck;
import dev.jamespipeline.search.reindex.ReindexDetailsDTO;
import dev.jamespipeline.search.reindex.SearchRoutes;
import dev.jamespipeline.state.PipelineStateSchema;
import dev.jamespipeline.state.PostgresIndexBacklog;

/**
 * What the server main adds to James: the index client, the indexer, the search WebAdmin routes
 * and health check. It lives in the main injector, next to the pipeline's extension module, so it
 * binds none of that module's types (configuration, topology, publisher): a child injector cannot
 * bind what its parent already has. The indexer builds its own from {@link SearchConfiguration}.
 */
public class SearchModule extends AbstractModule {

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(SearchRoutes.class);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(SearchIndexHealthCheck.class);
        bind(IndexerStartable.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    SearchConfiguration configuration(PropertiesProvider properties) throws ConfigurationException {
        try {
            return SearchConfiguration.from(properties.getConfiguration("pipeline"));
        } catch (FileNotFoundException e) {
            // As the pipeline's own module does: the documented defaults.
            return SearchConfiguration.from(new BaseConfiguration());
        }
    }

    /**
     * Where the changes the index does not show yet are kept: in PostgreSQL, shared by every node, when
     * James has a database; in the heap with the memory backend, whose mailboxes are there too.
     */
    @Provides
    @Singleton
    IndexBacklog indexBacklog(Injector injector) {
        Binding<DataSource> database = injector.getExistingBinding(Key.get(DataSource.class));
        if (database == null) {
            return new InMemoryIndexBacklog();
        }
        DataSource dataSource = database.getProvider().get();
        PipelineStateSchema.migrate(dataSource);
        return new PostgresIndexBacklog(dataSource);
    }

    @Provides
    @Singleton
    MailIndex mailIndex(SearchConfiguration configuration) {
        return MailIndex.connect(configuration.openSearch());
    }

    @Provides
    @Singleton
    AttachmentTextExtractor extractor(SearchConfiguration configuration) {
        return new AttachmentTextExtractor(configuration.extraction(), configuration.extractionThreads());
    }

    @Provides
    @Singleton
    MessageDocumentBuilder documentBuilder(AttachmentTextExtractor extractor, Clock clock) {
        return new MessageDocumentBuilder(extractor, clock);
    }

    @Provides
    @Singleton
    SearchQueryTranslator translator() {
        return new SearchQueryTranslator();
    }

    @ProvidesIntoSet
    InitializationOperation startIndexer(IndexerStartable indexer) {
        return InitilizationOperationBuilder.forClass(IndexerStartable.class).init(indexer::start);
    }

    @Named(DTOModuleInjections.WEBADMIN_DTO)
    @ProvidesIntoSet
    AdditionalInformationDTOModule<? extends TaskExecutionDetails.AdditionalInformation, ? extends AdditionalInformationDTO>
        reindexDetails() {
        return ReindexDetailsDTO.MODULE;
    }
}
