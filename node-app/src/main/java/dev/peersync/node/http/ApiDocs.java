package dev.peersync.node.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peersync.node.SoftwareVersion;
import dev.peersync.review.openapi.ApiOperation;
import dev.peersync.review.openapi.OpenApiDocument;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The node's API description: {@code GET /openapi.json} (OpenAPI 3.1, built from the review API's and the node's
 * operations with schemas read from the Java types) and Swagger UI at {@code /docs} (the swagger-ui webjar). Both are
 * public, read-only, and describe what anyone can read in the code; they grant nothing.
 */
public final class ApiDocs implements Consumer<JavalinConfig> {
    public static final String OPENAPI_PATH = "/openapi.json";
    public static final String DOCS_PATH = "/docs";

    private final List<ApiOperation> operations;
    private final ObjectMapper mapper;
    private volatile ObjectNode document;

    public ApiDocs(List<ApiOperation> operations, ObjectMapper mapper) {
        this.operations = List.copyOf(operations);
        this.mapper = mapper;
    }

    public List<ApiOperation> operations() {
        return operations;
    }

    @Override
    public void accept(JavalinConfig config) {
        config.routes.get(OPENAPI_PATH, ctx -> ctx.json(document()));
        config.routes.get(DOCS_PATH, ctx -> ctx.contentType("text/html; charset=utf-8").result(PAGE));
        config.staticFiles.add(files -> {
            files.hostedPath = DOCS_PATH + "/assets";
            files.directory = "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion();
            files.location = Location.CLASSPATH;
        });
    }

    /** Built once, on first request: the operations do not change while the node runs. */
    public ObjectNode document() {
        ObjectNode doc = document;
        if (doc == null) {
            doc = OpenApiDocument.build(mapper, "peersync node: Product Review API and P2P sync", SoftwareVersion.VALUE,
                    operations);
            document = doc;
        }
        return doc;
    }

    private static String swaggerUiVersion() {
        try (InputStream in = ApiDocs.class.getResourceAsStream(
                "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>peersync node API</title>
              <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/assets/swagger-ui-bundle.js"></script>
              <script>
                window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });
              </script>
            </body>
            </html>
            """;
}
