using Nsm.Healing.Cluster;

namespace Nsm.Healing.Silo.Tests.Tls;

public sealed class SecretRedactionTests
{
    [Theory]
    [InlineData("redis-0:6379,password=s3cret,ssl=true", "redis-0:6379,password=***,ssl=true")]
    [InlineData("redis-0:6379,ssl=true,Password = two words", "redis-0:6379,ssl=true,Password = ***")]
    [InlineData("Keyword 'x' failed near 'PASSWORD=s3cret'", "Keyword 'x' failed near 'PASSWORD=***'")]
    [InlineData("redis-0:6379,ssl=true", "redis-0:6379,ssl=true")]
    public void Redis_passwords_are_masked(string text, string redacted) => Assert.Equal(redacted, SecretRedaction.RedisConnectionString(text));
}
