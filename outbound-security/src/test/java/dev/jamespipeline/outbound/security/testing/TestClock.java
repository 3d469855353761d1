package dev.jamespipeline.outbound.security.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves forward, so ages and expiries are tested without waiting. */
public final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The same moving time, seen in another zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        TestClock moving = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return moving.withZone(other);
            }

            @Override
            public Instant instant() {
                return moving.instant();
            }
        };
    }
}
