/// The OpenAPI document the API's code is generated from, served as is at /api/openapi.yaml.
public enum APIDocument {
    public static var yaml: [UInt8] { PackageResources.openapi_yaml }
}
