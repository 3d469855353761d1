package dev.jamespipeline.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.james.core.Username;
import org.apache.james.sieve.jpa.JPASieveRepository;
import org.apache.james.sieverepository.api.ScriptContent;
import org.apache.james.sieverepository.api.ScriptName;
import org.apache.james.sieverepository.api.SieveRepository;
import org.apache.james.sieverepository.lib.SieveRepositoryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** James's {@link SieveRepositoryContract} against its JPA Sieve repository on PostgreSQL, as our server binds it. */
class PostgresSieveRepositoryTest implements SieveRepositoryContract {
    private static JamesDataDatabase database;

    private SieveRepository sieveRepository;

    @BeforeAll
    static void createDatabase() {
        database = JamesDataDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @BeforeEach
    void setUp() {
        sieveRepository = new JPASieveRepository(database.entityManagerFactory());
    }

    @AfterEach
    void tearDown() {
        database.truncate("james_sieve_script", "james_sieve_quota");
    }

    @Override
    public SieveRepository sieveRepository() {
        return sieveRepository;
    }

    /** OpenJPA's own schema makes the script column varchar(1024); ours is text. */
    @Test
    void keepsAScriptLongerThanOneKilobyte() throws Exception {
        String script = "require \"fileinto\";\n" + "# a comment line that makes the script long\n".repeat(200);
        Username user = Username.of("bob@example.com");

        sieveRepository.putScript(user, new ScriptName("long"), new ScriptContent(script));

        assertThat(new String(sieveRepository.getScript(user, new ScriptName("long")).readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo(script);
    }
}
