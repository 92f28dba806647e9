namespace Matching.Service.Notifications;

public static class NotificationsModule
{
    /// <summary>SMTP when <c>Smtp:Host</c> is set, otherwise the log.</summary>
    public static void AddMatchingNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SmtpOptions>().Bind(builder.Configuration.GetSection("Smtp"));
        services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection("Notifications"));
        if (string.IsNullOrWhiteSpace(builder.Configuration["Smtp:Host"]))
            services.AddSingleton<INotificationSender, LoggingNotificationSender>();
        else
            services.AddSingleton<INotificationSender, SmtpNotificationSender>();
    }
}
