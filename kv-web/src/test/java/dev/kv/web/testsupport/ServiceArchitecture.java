package dev.kv.web.testsupport;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.kv.web.runtime.Json;
import dev.kv.web.runtime.SystemSources;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The rules every service module holds its production classes to (issue 15): real time, chance and hand-built JSON
 * mappers enter only through {@link SystemSources} and {@link Json}, so that no protocol decision hides a clock or a
 * dice in the services, out of the simulator's reach. Each module includes them with
 * {@code @ArchTest static final ArchTests rules = ArchTests.in(ServiceArchitecture.class)}.
 */
public final class ServiceArchitecture {

    @ArchTest
    public static final ArchRule realTimeOnlyThroughSystemSources = noClasses()
            .that(areNot(SystemSources.class))
            .should().accessTargetWhere(is(System.class, "nanoTime"))
            .orShould().accessTargetWhere(is(System.class, "currentTimeMillis"))
            .orShould().accessTargetWhere(is(Instant.class, "now"))
            .orShould().accessTargetWhere(is(InstantSource.class, "system"))
            .orShould().accessTargetWhere(is(Clock.class, "systemUTC"))
            .orShould().accessTargetWhere(is(Clock.class, "systemDefaultZone"))
            .because("the services read the system's clocks only through SystemSources; protocol decisions take an"
                    + " InstantSource, which the simulator replaces");

    @ArchTest
    public static final ArchRule chanceOnlyThroughSystemSources = noClasses()
            .that(areNot(SystemSources.class))
            .should().accessTargetWhere(is(SplittableRandom.class, "<init>"))
            .orShould().accessTargetWhere(is(Random.class, "<init>"))
            .orShould().accessTargetWhere(is(SecureRandom.class, "<init>"))
            .orShould().accessTargetWhere(is(ThreadLocalRandom.class, "current"))
            .orShould().accessTargetWhere(is(Math.class, "random"))
            .because("unseeded randomness enters the services only through SystemSources; protocol decisions take a"
                    + " RandomGenerator, which the simulator seeds");

    @ArchTest
    public static final ArchRule jsonMappersOnlyFromJson = noClasses()
            .that(areNot(Json.class))
            .should().accessTargetWhere(is(tools.jackson.databind.json.JsonMapper.class, "builder"))
            .orShould().accessTargetWhere(is(tools.jackson.databind.json.JsonMapper.class, "<init>"))
            .orShould().accessTargetWhere(is(tools.jackson.databind.ObjectMapper.class, "<init>"))
            .because("JSON outside Spring MVC is read and written by the mappers of kv-web's Json, one configuration"
                    + " for every service");

    private ServiceArchitecture() {
    }

    private static DescribedPredicate<JavaClass> areNot(Class<?> allowed) {
        return DescribedPredicate.describe("are not " + allowed.getSimpleName(),
                javaClass -> !javaClass.isEquivalentTo(allowed));
    }

    private static DescribedPredicate<JavaAccess<?>> is(Class<?> owner, String member) {
        return DescribedPredicate.describe(owner.getSimpleName() + "." + member,
                access -> access.getTargetOwner().isEquivalentTo(owner) && access.getName().equals(member));
    }
}
