package dev.framewire.interop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The program a test class needs: without it the class is skipped (reported as skipped, with the
 * package to install), or fails when {@value Intermediary#REQUIRED}{@code =1}, as in CI.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(Requires.Installed.class)
@interface Requires {

    /** {@return the executable's name, such as {@code nginx}} */
    String program();

    /** {@return the Debian package that brings it} */
    String debianPackage();

    /** Skips, or fails, a class whose program is missing. */
    final class Installed implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Requires requires = context.getElement().map(e -> e.getAnnotation(Requires.class)).orElse(null);
            if (requires == null) {
                return ConditionEvaluationResult.enabled("no program required");
            }
            if (Intermediary.locate(requires.program()).isPresent()) {
                return ConditionEvaluationResult.enabled(requires.program() + " is installed");
            }
            return ConditionEvaluationResult.disabled(Intermediary.missing(requires.program(), requires.debianPackage()));
        }
    }
}
