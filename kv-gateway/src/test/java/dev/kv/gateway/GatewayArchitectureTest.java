package dev.kv.gateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.kv.web.testsupport.ServiceArchitecture;

/** This service's production classes under the services' rules (time, chance and JSON through kv-web's runtime). */
@AnalyzeClasses(packages = "dev.kv.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class GatewayArchitectureTest {

    @ArchTest
    static final ArchTests rules = ArchTests.in(ServiceArchitecture.class);
}
