namespace Matching.Service.Notifications;

public static class NotificationsModule
{
    /// <summary>SMTP when <c>Smtp:Host</c> is set, Twilio when <c>Sms:AccountSid</c>, <c>Sms:AuthToken</c> and <c>Sms:From</c> are; otherwise the log.</summary>
    public static void AddMatchingNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SmtpOptions>().Bind(builder.Configuration.GetSection("Smtp"));
        services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection("Notifications"));
        if (string.IsNullOrWhiteSpace(builder.Configuration["Smtp:Host"]))
            services.AddSingleton<INotificationSender, LoggingNotificationSender>();
        else
            services.AddSingleton<INotificationSender, SmtpNotificationSender>();

        var sms = builder.Configuration.GetSection("Sms");
        services.AddOptions<SmsOptions>().Bind(sms);
        if (sms.Get<SmsOptions>() is { Configured: true })
            services.AddSingleton<ISmsSender, TwilioSmsSender>();
        else
            services.AddSingleton<ISmsSender, LoggingSmsSender>();
    }
}
