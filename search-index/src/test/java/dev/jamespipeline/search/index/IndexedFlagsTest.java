package dev.jamespipeline.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import javax.mail.Flags;

import org.junit.jupiter.api.Test;

class IndexedFlagsTest {
    @Test
    void systemFlagsTakeTheirImapNamesAndUserFlagsStayAsTheyAre() {
        Flags flags = new Flags(Flags.Flag.SEEN);
        flags.add(Flags.Flag.ANSWERED);
        flags.add("Work");

        assertThat(IndexedFlags.names(flags)).containsExactlyInAnyOrder("\\Seen", "\\Answered", "Work");
        assertThat(IndexedFlags.names(new Flags())).isEmpty();
        assertThat(IndexedFlags.name(Flags.Flag.USER)).isEmpty();
    }
}
