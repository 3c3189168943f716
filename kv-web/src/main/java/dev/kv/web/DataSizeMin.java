package dev.kv.web;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.springframework.util.unit.DataSize;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@link DataSize} setting's lower bound, for {@code @Validated} configuration properties (Bean Validation knows
 * {@code @Min} for numbers and Hibernate Validator {@code @DurationMin} for durations, nothing for sizes). A wrong
 * value stops the service at start with the property, its value, where it was set and this bound. {@code null}
 * passes: an unset optional size is not too small.
 */
@Documented
@Constraint(validatedBy = DataSizeMin.Check.class)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface DataSizeMin {

    /** The smallest size allowed, as Spring writes sizes ({@code 0B}, {@code 1KB}, {@code 1MB}). */
    String value();

    String message() default "must be at least {value}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The check behind the annotation. */
    final class Check implements ConstraintValidator<DataSizeMin, DataSize> {

        private long minBytes;

        @Override
        public void initialize(DataSizeMin annotation) {
            minBytes = DataSize.parse(annotation.value()).toBytes();
        }

        @Override
        public boolean isValid(DataSize size, ConstraintValidatorContext context) {
            return size == null || size.toBytes() >= minBytes;
        }
    }
}
