package dev.kv.web;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.kv.web.testsupport.ServiceArchitecture;

/** kv-web's production classes under the services' rules (time, chance and JSON through kv-web's runtime). */
@AnalyzeClasses(packages = "dev.kv.web", importOptions = ImportOption.DoNotIncludeTests.class)
class WebArchitectureTest {

    @ArchTest
    static final ArchTests rules = ArchTests.in(ServiceArchitecture.class);
}
