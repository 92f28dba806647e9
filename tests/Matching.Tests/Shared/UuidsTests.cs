using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;

namespace Matching.Tests.Shared;

public class UuidsTests
{
    [Fact]
    public void a_name_always_gives_the_id_it_gave_before()
    {
        // Referrals made with an Idempotency-Key are stored under these ids: they must not change.
        SubmitIntakeHandler.StreamIdFor("abc").ShouldBe(Guid.Parse("837ebd65-9db3-8711-a744-ebb31d370660"));
        Uuids.NameBased("intake:key-1").ShouldBe(Guid.Parse("ffc39981-4387-8892-9f23-3cba733c515d"));
    }

    [Fact]
    public void ids_carry_their_version_and_the_rfc_variant()
    {
        Uuids.NameBased("intake:abc").Version.ShouldBe(8);
        (Uuids.NameBased("intake:abc").Variant >> 2).ShouldBe(0b10, "RFC 9562 variant");
        var seeded = new byte[16];
        new Random(7).NextBytes(seeded);
        var id = Uuids.Stamped(seeded, version: 4);
        id.Version.ShouldBe(4);
        (id.Variant >> 2).ShouldBe(0b10);
        Uuids.Stamped(seeded, version: 4).ShouldBe(id);
    }
}
