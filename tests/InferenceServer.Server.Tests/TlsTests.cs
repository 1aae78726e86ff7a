using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using InferenceServer.Server.Grpc.V1;
using InferenceServer.TestSupport;

namespace InferenceServer.Server.Tests;

/// <summary>With a certificate configured, both ports serve TLS: HTTPS (HTTP/1.1 and HTTP/2) and gRPC.</summary>
public sealed class TlsTests
{
    private static X509Certificate2 SelfSigned(string pfxPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        File.WriteAllBytes(pfxPath, cert.Export(X509ContentType.Pfx, "pw"));
        return X509CertificateLoader.LoadPkcs12FromFile(pfxPath, "pw");
    }

    [Fact]
    public async Task Both_ports_serve_tls_with_the_configured_certificate()
    {
        using var temp = new TempDirectory();
        using var cert = SelfSigned(temp.File("server.pfx"));
        await using var server = await TestServer.StartAsync(o =>
        {
            o.TlsCertificatePath = temp.File("server.pfx");
            o.TlsCertificatePassword = "pw";
        });
        // Trust exactly this certificate.
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == cert.GetCertHashString();
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{server.BaseAddress.Port}/") };

        using var h2 = new HttpRequestMessage(HttpMethod.Get, "/health") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var health = await https.SendAsync(h2);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpVersion.Version20, health.Version);
        var (completion, body) = await Json.PostAsync(https, "/v1/completions", new { prompt = "Once", max_tokens = 3 });
        Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
        Assert.Equal(3, body["usage"]!["completion_tokens"].Int());

        var grpcHandler = new SocketsHttpHandler();
        grpcHandler.SslOptions.RemoteCertificateValidationCallback = handler.SslOptions.RemoteCertificateValidationCallback;
        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{server.GrpcAddress.Port}", new GrpcChannelOptions { HttpHandler = grpcHandler });
        var models = await new Inference.InferenceClient(channel).ListModelsAsync(new ListModelsRequest());
        Assert.Equal(server.Model.Name, Assert.Single(models.Models).Id);
    }
}
