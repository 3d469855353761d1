package dev.jamespipeline.mailbox.postgres;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Skips one inherited test of a James contract suite, with the reason shown in the test report.
 * The list of these annotations on a test class is the list of exclusions to report.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(ExcludedContractTest.List.class)
@ExtendWith(ExcludedContractTestCondition.class)
public @interface ExcludedContractTest {
    /** The test method's name. */
    String method();

    String reason();

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @ExtendWith(ExcludedContractTestCondition.class)
    @interface List {
        ExcludedContractTest[] value();
    }
}
