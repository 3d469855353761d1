package dev.jamespipeline.mailbox.postgres.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Cid;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ParsedAttachment;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.google.common.io.ByteSource;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;
import dev.jamespipeline.mailbox.postgres.MessageAppendHook;

/** What James's contracts do not check: bodies in chunks, content shared by copies and deleted with them, hostile input, the append hook. */
class PostgresMessageStorageTest {
    private static final int CHUNK_SIZE = 1024;

    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private QueryCountingDataSource chunkQueries;
    private PostgresMapperProvider provider;
    private PostgresMessageMapper mapper;
    private Mailbox inbox;
    private Mailbox archive;

    @BeforeEach
    void setUp() throws Exception {
        chunkQueries = new QueryCountingDataSource(database.dataSource(), "FROM message_body_chunk");
        provider = new PostgresMapperProvider(chunkQueries.dataSource(), CHUNK_SIZE, MessageAppendHook.NONE);
        mapper = provider.createMessageMapper();
        inbox = createMailbox("INBOX");
        archive = createMailbox("Archive");
    }

    @Test
    void aMessageOfManyChunksRoundTripsByteExactlyAndIsReadAChunkAtATime() throws Exception {
        byte[] header = "Subject: big\r\nContent-Type: application/octet-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[10 * CHUNK_SIZE + 123];
        new Random(42).nextBytes(body);
        MessageMetaData added = mapper.add(inbox, message(inbox, concat(header, body), header.length));

        int before = chunkQueries.count();
        MailboxMessage stored = findOne(inbox, added, FetchType.FULL);
        assertThat(chunkQueries.count()).as("finding the message reads no chunk").isEqualTo(before);

        try (InputStream full = stored.getFullContent()) {
            assertThat(full.readNBytes(header.length + 10)).isEqualTo(java.util.Arrays.copyOf(concat(header, body), header.length + 10));
            assertThat(chunkQueries.count() - before).as("chunks fetched after reading 10 body bytes").isEqualTo(1);
            full.readNBytes(CHUNK_SIZE);
            assertThat(chunkQueries.count() - before).as("chunks fetched after reading into the second").isEqualTo(2);
        }
        assertThat(stored.getFullContent()).hasBinaryContent(concat(header, body));
        assertThat(stored.getBodyContent()).hasBinaryContent(body);
        assertThat(stored.getHeaderContent()).hasBinaryContent(header);
        assertThat(stored.getBodyOctets()).isEqualTo(body.length);
    }

    @Test
    void headersAndMetadataAreReadWithoutTheBody() throws Exception {
        byte[] body = new byte[3 * CHUNK_SIZE];
        MessageMetaData added = mapper.add(inbox, message(inbox, concat("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), body), 14));
        int before = chunkQueries.count();

        assertThat(findOne(inbox, added, FetchType.METADATA).getHeaderContent()).hasContent("Subject: x\r\n\r\n");
        assertThat(findOne(inbox, added, FetchType.HEADERS).getHeaderContent()).hasContent("Subject: x\r\n\r\n");

        assertThat(chunkQueries.count()).isEqualTo(before);
    }

    @Test
    void aHeaderOnlyMessageWithoutBlankLineRoundTrips() throws Exception {
        byte[] content = "Subject: no body, no blank line".getBytes(StandardCharsets.US_ASCII);
        MessageMetaData added = mapper.add(inbox, message(inbox, content, content.length));

        MailboxMessage stored = findOne(inbox, added, FetchType.FULL);

        assertThat(stored.getFullContent()).hasBinaryContent(content);
        assertThat(stored.getBodyContent()).isEmpty();
        assertThat(rowCount("message_body_chunk")).isZero();
    }

    @Test
    void anEmptyBodyRoundTrips() throws Exception {
        byte[] content = "Subject: empty body\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        MessageMetaData added = mapper.add(inbox, message(inbox, content, content.length));

        assertThat(findOne(inbox, added, FetchType.FULL).getFullContent()).hasBinaryContent(content);
    }

    @Test
    void anEmptyMessageRoundTrips() throws Exception {
        MessageMetaData added = mapper.add(inbox, message(inbox, new byte[0], 0));

        assertThat(findOne(inbox, added, FetchType.FULL).getFullContent()).isEmpty();
    }

    @Test
    void aMessageWhoseContentIsShorterThanDeclaredIsRefusedAndLeavesNothing() throws Exception {
        byte[] content = "Subject: x\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        SimpleMailboxMessage lying = new SimpleMailboxMessage(provider.generateMessageId(), threadOf(null), new Date(),
            content.length + 100, 12, new ByteContent(content), new Flags(), new PropertyBuilder().build(), inbox.getMailboxId());

        assertThatThrownBy(() -> mapper.add(inbox, lying)).isInstanceOf(MailboxException.class);

        assertThat(rowCount("message")).isZero();
        assertThat(rowCount("message_mailbox")).isZero();
    }

    @Test
    void userFlagsWithOddCharactersRoundTripAndAreRemovedIgnoringCase() throws Exception {
        List<String> odd = List.of("back\\slash", "quo\"te", "{brace}", "com,ma", "NULL", "spa ce", "ünïcødé", "$Label1", "x".repeat(500));
        Flags flags = new Flags();
        odd.forEach(flags::add);
        MailboxMessage message = message(inbox, "Subject: x\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII), 14);
        message.setFlags(flags);
        MessageMetaData added = mapper.add(inbox, message);

        assertThat(findOne(inbox, added, FetchType.METADATA).createFlags().getUserFlags()).containsExactlyInAnyOrderElementsOf(odd);

        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags("nUlL"), FlagsUpdateMode.REMOVE), MessageRange.one(added.getUid()));
        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags("{BRACE}"), FlagsUpdateMode.ADD), MessageRange.one(added.getUid()));

        List<String> expected = new ArrayList<>(lowerCase(odd));
        expected.remove("null");
        assertThat(lowerCase(List.of(findOne(inbox, added, FetchType.METADATA).createFlags().getUserFlags())))
            .as("keywords compare ignoring case: adding {BRACE} to {brace} keeps one").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(lowerCase(List.of(mapper.getApplicableFlag(inbox).getUserFlags()))).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aCopySharesTheContentWhichGoesWithTheLastMembership() throws Exception {
        byte[] content = concat("Subject: shared\r\n\r\n".getBytes(StandardCharsets.US_ASCII), new byte[5 * CHUNK_SIZE]);
        MessageMetaData original = mapper.add(inbox, message(inbox, content, 19));
        MessageMetaData copy = mapper.copy(archive, findOne(inbox, original, FetchType.METADATA));

        assertThat(rowCount("message")).isEqualTo(1);
        assertThat(rowCount("message_body_chunk")).isEqualTo(5);

        mapper.deleteMessages(inbox, List.of(original.getUid()));
        assertThat(findOne(archive, copy, FetchType.FULL).getFullContent()).hasBinaryContent(content);

        mapper.deleteMessages(archive, List.of(copy.getUid()));
        assertThat(rowCount("message")).isZero();
        assertThat(rowCount("message_body_chunk")).isZero();
    }

    @Test
    void deletingAMailboxDeletesTheContentOfItsMessages() throws Exception {
        mapper.add(inbox, message(inbox, "Subject: x\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII), 14));

        provider.createMailboxMapper().delete(inbox).block();

        assertThat(rowCount("message")).isZero();
        assertThat(rowCount("message_body_chunk")).isZero();
    }

    @Test
    void readingTheBodyOfAMessageDeletedMeanwhileFailsInsteadOfEndingShort() throws Exception {
        byte[] content = concat("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), new byte[3 * CHUNK_SIZE]);
        MessageMetaData added = mapper.add(inbox, message(inbox, content, 14));
        MailboxMessage stored = findOne(inbox, added, FetchType.FULL);
        InputStream body = stored.getBodyContent();
        body.readNBytes(10);

        mapper.deleteMessages(inbox, List.of(added.getUid()));

        assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("deleted");
    }

    @Test
    void attachmentsAreKeptWithTheirMessageAndDeletedWithIt() throws Exception {
        MessageId messageId = provider.generateMessageId();
        List<MessageAttachmentMetadata> attachments = provider.createAttachmentMapper().storeAttachments(List.of(
            ParsedAttachment.builder().contentType("text/plain").content(ByteSource.wrap("attached".getBytes(StandardCharsets.UTF_8)))
                .noName().cid(Cid.from("cid1")).inline()), messageId);
        byte[] content = "Subject: x\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        MessageMetaData added = mapper.add(inbox, new SimpleMailboxMessage(messageId, threadOf(messageId), new Date(), content.length, 14,
            new ByteContent(content), new Flags(), new PropertyBuilder().build(), inbox.getMailboxId(), attachments, MailboxMessage.EMPTY_SAVE_DATE));

        assertThat(findOne(inbox, added, FetchType.FULL).getAttachments()).isEqualTo(attachments);
        assertThat(provider.createAttachmentMapper().loadAttachmentContent(attachments.get(0).getAttachmentId())).hasContent("attached");

        mapper.deleteMessages(inbox, List.of(added.getUid()));
        assertThat(rowCount("attachment")).isZero();
    }

    @Test
    void theAppendHookSeesTheRowsInItsTransactionAndRollsTheAppendBackWhenItFails() throws Exception {
        List<Integer> membershipsSeenByHook = new ArrayList<>();
        PostgresMapperProvider hooked = new PostgresMapperProvider(database.dataSource(), CHUNK_SIZE, (transaction, mailbox, message) -> {
            membershipsSeenByHook.add(count(transaction, "message_mailbox"));
            if (membershipsSeenByHook.size() == 2) {
                throw new SQLException("ledger refused");
            }
        });
        PostgresMessageMapper hookedMapper = hooked.createMessageMapper();
        byte[] content = "Subject: x\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);

        hookedMapper.add(inbox, message(inbox, content, 14));
        assertThatThrownBy(() -> hookedMapper.add(inbox, message(inbox, content, 14))).isInstanceOf(MailboxException.class);

        assertThat(membershipsSeenByHook).containsExactly(1, 2);
        assertThat(rowCount("message_mailbox")).isEqualTo(1);
        assertThat(rowCount("message")).isEqualTo(1);
    }

    private Mailbox createMailbox(String name) {
        return provider.createMailboxMapper().create(MailboxPath.forUser(Username.of("bob"), name), UidValidity.of(1)).block();
    }

    private MailboxMessage findOne(Mailbox mailbox, MessageMetaData metaData, FetchType fetchType) throws MailboxException {
        return mapper.findInMailbox(mailbox, MessageRange.one(metaData.getUid()), fetchType, 1).next();
    }

    private SimpleMailboxMessage message(Mailbox mailbox, byte[] content, int bodyStart) {
        MessageId messageId = provider.generateMessageId();
        return new SimpleMailboxMessage(messageId, threadOf(messageId), new Date(), content.length, bodyStart,
            new ByteContent(content), new Flags(), new PropertyBuilder().build(), mailbox.getMailboxId());
    }

    private ThreadId threadOf(MessageId messageId) {
        return ThreadId.fromBaseMessageId(messageId == null ? provider.generateMessageId() : messageId);
    }

    private static List<String> lowerCase(List<String> flags) {
        return flags.stream().map(flag -> flag.toLowerCase(Locale.ROOT)).toList();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static int rowCount(String table) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            return count(connection, table);
        }
    }

    private static int count(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM " + table);
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }
}
