package dev.framewire.testing;

import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.FalsifiedSample;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Puts what is needed to rerun a failed property into the failure itself: the seed, the shrunk
 * sample with each parameter's name, and the original sample. jqwik prints the same in its report,
 * but that goes to standard output, which Surefire keeps in a file; the failure's message is what
 * Surefire and CI show. Register it on a property class with
 * {@code @AddLifecycleHook(ShowFailedSample.class)}.
 */
public final class ShowFailedSample implements AroundPropertyHook {

    /** On a class, the hook is for its properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyExecutionResult result = property.execute();
        if (result.status() != PropertyExecutionResult.Status.FAILED) {
            return result;
        }
        Parameter[] names = context.targetMethod().getParameters();
        StringBuilder message = new StringBuilder(context.extendedLabel()).append(" failed after ")
                .append(result.countTries()).append(" tries, seed = ").append(result.seed().orElse("(none)"));
        Throwable cause = result.throwable().orElse(null);
        if (result.shrunkSample().isPresent()) {
            FalsifiedSample shrunk = result.shrunkSample().get();
            message.append("\n  shrunk sample (").append(result.shrunkSample().get().countShrinkingSteps())
                    .append(" steps):");
            describe(message, names, shrunk.parameters());
            cause = shrunk.falsifyingError().orElse(cause);
        }
        result.originalSample().ifPresent(original -> {
            message.append("\n  original sample:");
            describe(message, names, original.parameters());
        });
        message.append("\n  error: ").append(cause);
        message.append("\n  to rerun it: @Property(seed = \"").append(result.seed().orElse(""))
                .append("\") with -Djqwik.seeds.whenfixed=ALLOW, or keep the shrunk sample as an @Example");
        return result.mapToFailed(new AssertionError(message.toString(), cause));
    }

    private static void describe(StringBuilder message, Parameter[] names, List<Object> values) {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            String shown = value instanceof Object[] array ? Arrays.deepToString(array)
                    : value instanceof byte[] bytes ? GeneratedPayloads.describe(bytes) : String.valueOf(value);
            message.append("\n    ").append(i < names.length ? names[i].getName() : "#" + i).append(" = ").append(shown);
        }
    }
}
