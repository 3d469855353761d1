package dev.jamespipeline.mailbox.postgres;

import java.lang.reflect.Method;
import java.util.Optional;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Disables the test methods that the test class lists in {@link ExcludedContractTest}. */
public final class ExcludedContractTestCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        if (method.isEmpty() || context.getTestInstances().isEmpty()) {
            return ConditionEvaluationResult.enabled("not a test method");
        }
        return AnnotationSupport.findRepeatableAnnotations(outermost(context), ExcludedContractTest.class).stream()
            .filter(exclusion -> exclusion.method().equals(method.get().getName()))
            .findFirst()
            .map(exclusion -> ConditionEvaluationResult.disabled("Excluded from James's contract: " + exclusion.reason()))
            .orElse(ConditionEvaluationResult.enabled("not excluded"));
    }

    /**
     * Exclusions are declared on our subclass of the contract, also for the contract's @Nested
     * classes, whose outermost test instance is that subclass.
     */
    private static Class<?> outermost(ExtensionContext context) {
        return context.getTestInstances().get().getAllInstances().get(0).getClass();
    }
}
