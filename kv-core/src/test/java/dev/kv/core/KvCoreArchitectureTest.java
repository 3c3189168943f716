package dev.kv.core;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.time.Clock;
import java.time.Instant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * kv-core is the pure core (DESIGN §1, STYLE "a pure, testable core"): no Spring, no network, no files, and time only
 * through an injected {@code InstantSource}, so the protocols can run under a deterministic simulator. Only the
 * production classes are analysed; an empty import fails the rules rather than passing them vacuously.
 */
@AnalyzeClasses(packages = "dev.kv.core", importOptions = ImportOption.DoNotIncludeTests.class)
class KvCoreArchitectureTest {

    @ArchTest
    static final ArchRule noSpring = noClasses().that().resideInAPackage("dev.kv.core..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..")
            .because("kv-core is plain Java; the services are the Spring shells around it");

    @ArchTest
    static final ArchRule noNetworkOrFileSystem = noClasses().that().resideInAPackage("dev.kv.core..")
            .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.file..")
            .orShould().dependOnClassesThat().haveNameMatching("java\\.io\\.File.*")
            .orShould().dependOnClassesThat().haveNameMatching("java\\.io\\.RandomAccessFile")
            .because("kv-core does no I/O: kv-node and kv-gateway do it and feed the core messages");

    @ArchTest
    static final ArchRule noWallClockAndNoSleeping = noClasses().that().resideInAPackage("dev.kv.core..")
            .should().callMethodWhere(calls(System.class, "currentTimeMillis"))
            .orShould().callMethodWhere(calls(System.class, "nanoTime"))
            .orShould().callMethodWhere(calls(Instant.class, "now"))
            .orShould().callMethodWhere(calls(Clock.class, "systemUTC"))
            .orShould().callMethodWhere(calls(Clock.class, "systemDefaultZone"))
            .orShould().callMethodWhere(calls(Thread.class, "sleep"))
            .because("time comes from an injected InstantSource, so tests and the simulator control it");

    private static DescribedPredicate<JavaMethodCall> calls(Class<?> owner, String method) {
        return DescribedPredicate.describe(owner.getSimpleName() + "." + method,
                call -> call.getTargetOwner().isEquivalentTo(owner) && call.getName().equals(method));
    }
}
